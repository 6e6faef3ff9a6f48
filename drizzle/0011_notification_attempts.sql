CREATE TABLE "notification_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notification_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"notification_id" integer NOT NULL,
	"page_id" integer NOT NULL,
	"incident_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"method" text NOT NULL,
	"step" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"masked_address" text,
	"provider_id" text,
	"error" text,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "rules" jsonb;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_page_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."page_notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_attempts_once_idx" ON "notification_attempts" USING btree ("notification_id","method","step");--> statement-breakpoint
CREATE INDEX "notification_attempts_due_idx" ON "notification_attempts" USING btree ("due_at") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "notification_attempts_page_idx" ON "notification_attempts" USING btree ("page_id");
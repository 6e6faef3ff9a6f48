CREATE TABLE "page_notifications" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "page_notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"page_id" integer NOT NULL,
	"level" integer NOT NULL,
	"loop" integer NOT NULL,
	"user_id" text NOT NULL,
	"dm_channel" text,
	"dm_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"incident_id" integer NOT NULL,
	"policy_id" text NOT NULL,
	"policy" jsonb NOT NULL,
	"state" text DEFAULT 'triggered' NOT NULL,
	"level" integer DEFAULT 0 NOT NULL,
	"loop" integer DEFAULT 0 NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"next_escalation_at" timestamp with time zone,
	"triggered_by" text,
	"message" text,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "page_notifications" ADD CONSTRAINT "page_notifications_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "page_notifications_once_idx" ON "page_notifications" USING btree ("page_id","loop","level","user_id");--> statement-breakpoint
CREATE INDEX "pages_due_idx" ON "pages" USING btree ("next_escalation_at") WHERE state = 'triggered';--> statement-breakpoint
CREATE INDEX "pages_incident_idx" ON "pages" USING btree ("incident_id");
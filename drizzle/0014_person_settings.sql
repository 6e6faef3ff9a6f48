CREATE TABLE "contact_confirmations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "contact_confirmations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"method" text NOT NULL,
	"address" text NOT NULL,
	"salt" text NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"tries_left" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_settings" (
	"user_id" text PRIMARY KEY NOT NULL,
	"email" text,
	"phone" text,
	"ntfy_topic" text,
	"rules" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "contact_confirmations_once_idx" ON "contact_confirmations" USING btree ("user_id","method");--> statement-breakpoint
CREATE INDEX "person_settings_phone_idx" ON "person_settings" USING btree ("phone");
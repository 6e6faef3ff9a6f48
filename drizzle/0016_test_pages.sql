ALTER TABLE "notification_attempts" ALTER COLUMN "incident_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "pages" ALTER COLUMN "incident_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "kind" text DEFAULT 'incident' NOT NULL;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "test_target" text;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "report_channel" text;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "report_ts" text;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "drill_due_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "pages_drill_idx" ON "pages" USING btree ("drill_due_at") WHERE drill_due_at is not null;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_kind_incident" CHECK ((kind = 'incident') = (incident_id is not null));
CREATE TABLE "alert_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"integration_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"labels" jsonb NOT NULL,
	"annotations" jsonb NOT NULL,
	"link" text,
	"source_severity" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"source_group_key" text NOT NULL,
	"batch_title" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"routes" jsonb NOT NULL,
	"set" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"group_key" text NOT NULL,
	"group_id" integer,
	"outcome" text NOT NULL,
	"silence" text,
	"incident_id" integer,
	"reason" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_group_id_alert_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."alert_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_incident_idx" ON "alert_events" USING btree ("incident_id","id");--> statement-breakpoint
CREATE INDEX "alert_events_alert_idx" ON "alert_events" USING btree ("integration_id","fingerprint","id");--> statement-breakpoint
CREATE INDEX "alert_events_silence_idx" ON "alert_events" USING btree ("silence") WHERE silence is not null;--> statement-breakpoint
CREATE INDEX "alert_events_received_idx" ON "alert_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "alert_events_waiting_idx" ON "alert_events" USING btree ("group_id","fingerprint") WHERE outcome = 'waiting' and incident_id is null;
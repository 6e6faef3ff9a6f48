CREATE TABLE "alert_groups" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_groups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"integration_id" text NOT NULL,
	"group_key" text NOT NULL,
	"incident_id" integer,
	"open" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"group_id" integer NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text NOT NULL,
	"title" text NOT NULL,
	"labels" jsonb NOT NULL,
	"annotations" jsonb NOT NULL,
	"link" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"last_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_group_id_fingerprint_pk" PRIMARY KEY("group_id","fingerprint")
);
--> statement-breakpoint
ALTER TABLE "alert_groups" ADD CONSTRAINT "alert_groups_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_group_id_alert_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."alert_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alert_groups_open_idx" ON "alert_groups" USING btree ("integration_id","group_key") WHERE open;--> statement-breakpoint
CREATE INDEX "alert_groups_incident_idx" ON "alert_groups" USING btree ("incident_id");
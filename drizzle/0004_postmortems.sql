CREATE TABLE "postmortem_answers" (
	"incident_id" integer PRIMARY KEY NOT NULL,
	"answers" jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmortems" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "postmortems_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"incident_id" integer NOT NULL,
	"version" integer NOT NULL,
	"markdown" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"file_id" text,
	"permalink" text
);
--> statement-breakpoint
ALTER TABLE "followups" ADD COLUMN "overdue_notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "postmortem_answers" ADD CONSTRAINT "postmortem_answers_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "postmortems_version_idx" ON "postmortems" USING btree ("incident_id","version");--> statement-breakpoint
CREATE INDEX "followups_due_idx" ON "followups" USING btree ("due_at") WHERE done_at is null;
CREATE TABLE "checklist_ticks" (
	"incident_checklist_id" integer NOT NULL,
	"step" integer NOT NULL,
	"ticked_by" text NOT NULL,
	"ticked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unticked_by" text,
	"unticked_at" timestamp with time zone,
	CONSTRAINT "checklist_ticks_incident_checklist_id_step_pk" PRIMARY KEY("incident_checklist_id","step")
);
--> statement-breakpoint
CREATE TABLE "incident_checklists" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "incident_checklists_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"incident_id" integer NOT NULL,
	"checklist_id" text NOT NULL,
	"title" text NOT NULL,
	"steps" jsonb NOT NULL,
	"message_channel" text,
	"message_ts" text,
	"added_by" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "checklist_ticks" ADD CONSTRAINT "checklist_ticks_incident_checklist_id_incident_checklists_id_fk" FOREIGN KEY ("incident_checklist_id") REFERENCES "public"."incident_checklists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_checklists" ADD CONSTRAINT "incident_checklists_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incident_checklists_incident_checklist_idx" ON "incident_checklists" USING btree ("incident_id","checklist_id");
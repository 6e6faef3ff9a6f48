CREATE TABLE "schedule_handoffs" (
	"schedule_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "schedule_handoffs_schedule_id_at_pk" PRIMARY KEY("schedule_id","at")
);

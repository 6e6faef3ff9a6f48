CREATE TABLE "cover_requests" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cover_requests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"schedule_id" text NOT NULL,
	"requester" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text,
	"state" text DEFAULT 'open' NOT NULL,
	"taken_by" text,
	"taken_at" timestamp with time zone,
	"message_channel" text NOT NULL,
	"message_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cover_requests_window" CHECK ("cover_requests"."ends_at" > "cover_requests"."starts_at"),
	CONSTRAINT "cover_requests_taken" CHECK (("cover_requests"."state" = 'taken') = ("cover_requests"."taken_by" is not null))
);

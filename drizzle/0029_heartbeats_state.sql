CREATE TABLE "heartbeats_state" (
	"id" text PRIMARY KEY NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_beat_at" timestamp with time zone,
	"missed_since" timestamp with time zone,
	"alert_open" boolean DEFAULT false NOT NULL
);

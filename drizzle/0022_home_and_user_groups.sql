CREATE TABLE "admin_notices" (
	"topic" text PRIMARY KEY NOT NULL,
	"said" text NOT NULL,
	"outbox_id" bigint,
	"said_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "home_tabs" (
	"user_id" text PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oncall_now" (
	"schedule_id" text PRIMARY KEY NOT NULL,
	"user_id" text,
	"user_group" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_group_syncs" (
	"schedule_id" text PRIMARY KEY NOT NULL,
	"user_group" text NOT NULL,
	"users" text NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);

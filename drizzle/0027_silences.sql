CREATE TABLE "silences" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "silences_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"matchers" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"stop_pages" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expired_by" text,
	"end_handled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "silences_ends_idx" ON "silences" USING btree ("ends_at");
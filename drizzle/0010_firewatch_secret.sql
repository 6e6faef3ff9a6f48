CREATE TABLE "ack_tokens" (
	"nonce" text PRIMARY KEY NOT NULL,
	"page_id" integer NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "firewatch_secret" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "firewatch_secret_one_row" CHECK (id = 1)
);
--> statement-breakpoint
ALTER TABLE "ack_tokens" ADD CONSTRAINT "ack_tokens_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ack_tokens_page_idx" ON "ack_tokens" USING btree ("page_id");
ALTER TABLE "notification_attempts" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ack_tokens_attempt_idx" ON "ack_tokens" USING btree ("attempt_id");--> statement-breakpoint
CREATE INDEX "notification_attempts_provider_idx" ON "notification_attempts" USING btree ("provider_id");
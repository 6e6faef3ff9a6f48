ALTER TABLE "alerts" ADD COLUMN "last_firing_at" timestamp with time zone;--> statement-breakpoint
-- Alerts firing now were last received firing when they were last received.
UPDATE "alerts" SET "last_firing_at" = "last_received_at" WHERE "status" = 'firing';

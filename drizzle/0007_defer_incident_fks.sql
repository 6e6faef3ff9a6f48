-- A declaration writes the incident and the rows that point at it in one pipelined batch, whose
-- statements the embedded driver may run in any order: check these references at commit instead.
ALTER TABLE "incident_members" ALTER CONSTRAINT "incident_members_incident_id_incidents_id_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "timeline_events" ALTER CONSTRAINT "timeline_events_incident_id_incidents_id_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "outbox" ALTER CONSTRAINT "outbox_incident_id_incidents_id_fk" DEFERRABLE INITIALLY DEFERRED;

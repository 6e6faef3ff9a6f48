-- Every process with a console page open learns of a new timeline event at its commit, whichever process wrote it.
CREATE OR REPLACE FUNCTION firewatch_timeline_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('firewatch_timeline', NEW.incident_id || ':' || NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER timeline_events_notify AFTER INSERT ON timeline_events FOR EACH ROW EXECUTE FUNCTION firewatch_timeline_notify();

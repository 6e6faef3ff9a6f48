import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_TICK_ACTION } from '../../src/slack/blocks/checklist.js';
import { COVER_CALLBACK, COVER_TAKE_ACTION, HOME_REQUEST_COVER_ACTION } from '../../src/slack/blocks/cover.js';
import { DECLARE_CALLBACK } from '../../src/slack/blocks/declare-modal.js';
import { SUMMARY_ACTIONS } from '../../src/slack/blocks/incident.js';
import { HOME_ACTIONS } from '../../src/slack/blocks/home.js';
import { FOLLOWUP_DONE_ACTION } from '../../src/slack/blocks/lists.js';
import { CODE_CALLBACK, ENTER_CODE_ACTION, ME_CALLBACK } from '../../src/slack/blocks/me-modal.js';
import { CHANGE_STATUS_CALLBACK, DECLINE_CALLBACK, UPDATE_CALLBACK } from '../../src/slack/blocks/modals.js';
import { PAGE_ACTIONS } from '../../src/slack/blocks/paging.js';
import { POSTMORTEM_CALLBACK, POSTMORTEM_WRITE_ACTION } from '../../src/slack/blocks/postmortem.js';
import { REMINDER_ACTIONS } from '../../src/slack/blocks/timeline.js';
import { SILENCE_ACTIONS } from '../../src/slack/blocks/silences.js';
import {
  PUBLISH_RESOLUTION_ACTION,
  STATUSPAGE_BACK_ACTION,
  STATUSPAGE_FORM_CALLBACK,
  STATUSPAGE_PREVIEW_CALLBACK,
} from '../../src/slack/blocks/statuspage-modal.js';
import { HANDLED_ACTIONS, HANDLED_VIEWS, registerListeners } from '../../src/slack/registry.js';
import type { Services } from '../../src/slack/services.js';

/** What registerListeners asks of Bolt, by kind of listener. */
function registered() {
  const seen = { action: [] as string[], view: [] as string[], event: [] as string[], command: [] as string[] };
  const record = (kind: keyof typeof seen) => (id: string) => void seen[kind].push(id);
  const app = { action: record('action'), view: record('view'), event: record('event'), command: record('command') };
  registerListeners(app as unknown as App, {} as Services);
  return seen;
}

describe('the listener registry', () => {
  const seen = registered();

  it('handles every button the Block Kit builders make, and no other', () => {
    const made = [
      ...Object.values(SUMMARY_ACTIONS),
      ...Object.values(PAGE_ACTIONS),
      ...Object.values(REMINDER_ACTIONS),
      FOLLOWUP_DONE_ACTION,
      POSTMORTEM_WRITE_ACTION,
      ENTER_CODE_ACTION,
      COVER_TAKE_ACTION,
      // Rendered by the App Home.
      HOME_REQUEST_COVER_ACTION,
      // Request cover on the Home is the cover request's listener, registered with `oncall cover`.
      HOME_ACTIONS.pagingSettings,
      ...Object.values(SILENCE_ACTIONS),
      // The status page form's Back, and the resolve reply's offer to publish the resolution.
      STATUSPAGE_BACK_ACTION,
      PUBLISH_RESOLUTION_ACTION,
      // A checklist's checkboxes.
      CHECKLIST_TICK_ACTION,
    ];
    expect([...HANDLED_ACTIONS].sort()).toEqual([...new Set(made)].sort());
  });

  it('handles every form Firewatch opens, and no other', () => {
    const opened = [
      DECLARE_CALLBACK,
      UPDATE_CALLBACK,
      CHANGE_STATUS_CALLBACK,
      DECLINE_CALLBACK,
      POSTMORTEM_CALLBACK,
      ME_CALLBACK,
      CODE_CALLBACK,
      COVER_CALLBACK,
      STATUSPAGE_FORM_CALLBACK,
      STATUSPAGE_PREVIEW_CALLBACK,
    ];
    expect([...HANDLED_VIEWS].sort()).toEqual([...opened].sort());
  });

  it('registers exactly the handled actions and views on Bolt, each once', () => {
    expect(seen.action).toHaveLength(HANDLED_ACTIONS.size);
    expect(new Set(seen.action)).toEqual(HANDLED_ACTIONS);
    expect(seen.view).toHaveLength(HANDLED_VIEWS.size);
    expect(new Set(seen.view)).toEqual(HANDLED_VIEWS);
  });

  it('registers /incident and the pin, membership and App Home events', () => {
    expect(seen.command).toEqual(['/incident']);
    expect([...seen.event].sort()).toEqual(
      [
        'app_home_opened',
        'member_joined_channel',
        'member_left_channel',
        'pin_added',
        'pin_removed',
        'reaction_added',
        'reaction_removed',
      ].sort(),
    );
  });
});

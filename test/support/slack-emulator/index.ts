// A Slack Web API emulator for end-to-end tests: answers like slack.com/api (argument names, response
// shapes, error codes, Block Kit limits), records every call, and injects faults on demand. It also
// speaks Socket Mode: apps.connections.open hands out a WebSocket URL on this same server, which
// greets with `hello` and carries envelopes the test sends (see sendSocketEnvelope).
export { SlackEmulator } from './server.js';
export { MANIFEST_SCOPES } from './scopes.js';
export type * from './types.js';
export type { HomeView } from './home.js';
export type { ModalView, Submitted } from './modals.js';
export type { ButtonView, ChannelView, ClickOptions, DmView, MessageView } from './assertions.js';

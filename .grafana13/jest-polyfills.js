// React 19's react-dom/server (which @grafana/ui 13 imports) schedules with
// MessageChannel, which jsdom does not provide; Node's is the same API.
const { MessageChannel } = require('node:worker_threads');

if (typeof globalThis.MessageChannel === 'undefined') {
  globalThis.MessageChannel = MessageChannel;
}

// The incident page's live timeline: new events arrive as server-sent events and are appended to the
// list, each once. Without this script the page is the same, as of its last load.
const list = document.getElementById('timeline');
const match = /^\/incidents\/(INC-\d+)$/i.exec(location.pathname);

if (list && match && 'EventSource' in window) {
  const after = list.dataset.lastEventId ?? '0';
  // EventSource sends Last-Event-ID itself on reconnect; ?after= covers the first connect.
  const source = new EventSource(`/incidents/${match[1]}/events?after=${encodeURIComponent(after)}`);
  source.addEventListener('timeline', (message) => {
    const { id, html } = JSON.parse(message.data);
    if (document.getElementById(`event-${id}`)) return;
    const template = document.createElement('template');
    // The server escaped every user string in this <li>; it is its own page's markup.
    template.innerHTML = html;
    const item = template.content.firstElementChild;
    if (item) list.append(item);
  });
}

// StreamChat browser test page. Everything a user typed is inserted with textContent, never as HTML.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const list = $('messages');
  let socket = null;
  let me = null;
  let welcomed = false;
  let moderating = false;

  const samples = {
    normal: 'Hello everyone! Great stream today 🎉',
    spam: 'FREE V-BUCKS!!! Click here to buy followers cheap',
    pii: 'Contact me at jane.doe@example.com or +44 20 7946 0958',
  };

  function add(kind, parts) {
    const li = document.createElement('li');
    li.className = 'msg-' + kind;
    if (parts.time) {
      const t = document.createElement('span');
      t.className = 'time';
      t.textContent = new Date(parts.time).toLocaleTimeString();
      li.appendChild(t);
    }
    if (parts.who) {
      const w = document.createElement('span');
      w.className = 'who';
      w.textContent = parts.who;
      li.appendChild(w);
    }
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = parts.text;
    li.appendChild(body);
    if (parts.mine) li.classList.add('mine');
    if (parts.id) li.dataset.messageId = parts.id;
    if (parts.userId) li.dataset.userId = parts.userId;
    // Moderators get per-message tools on other people's messages; each sends an ordinary slash command.
    if (moderating && parts.id && parts.userId && !parts.mine) {
      const tools = document.createElement('span');
      tools.className = 'mod-tools';
      for (const [label, command] of [['Delete', `/delete ${parts.id}`], ['Timeout 60s', `/timeout ${parts.userId} 60`], ['Ban', `/ban ${parts.userId}`]]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.className = 'mod-' + label.split(' ')[0].toLowerCase();
        b.addEventListener('click', () => sendMessage(command));
        tools.appendChild(b);
      }
      li.appendChild(tools);
    }
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function setConnected(connected) {
    $('status').textContent = connected ? 'Connected' : 'Disconnected';
    $('status').className = 'status ' + (connected ? 'connected' : 'disconnected');
    $('connect').disabled = connected;
    $('disconnect').disabled = !connected;
    for (const id of ['text', 'send', 'btn-normal', 'btn-spam', 'btn-pii', 'btn-history']) $(id).disabled = !connected;
    for (const id of ['userId', 'username', 'streamId', 'role', 'token']) $(id).disabled = connected;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function sendMessage(text) {
    if (text && text.trim()) send({ action: 'message', message: text });
  }

  function removeMessages(ids) {
    for (const id of ids) for (const li of [...list.querySelectorAll('li.msg-chat')]) if (li.dataset.messageId === id) li.remove();
  }

  function onFrame(event) {
    let f;
    try { f = JSON.parse(event.data); } catch { return; }
    switch (f.type) {
      case 'welcome':
        // Kestrel welcomes at open and again for hello; show one per connection.
        if (welcomed) break;
        welcomed = true;
        me = f.userId;
        add('system', { time: f.timestamp, text: `${f.message} (${f.viewerCount} watching)` });
        break;
      case 'message':
        add('chat', { time: f.timestamp, who: f.username, text: f.message, mine: f.userId === me, id: f.messageId, userId: f.userId });
        break;
      case 'message_deleted':
        removeMessages([f.messageId]);
        add('moderation', { time: f.timestamp, text: 'A message was deleted by a moderator.' });
        break;
      case 'messages_deleted':
        removeMessages(f.messageIds);
        break;
      case 'chat_cleared':
        for (const li of [...list.querySelectorAll('li.msg-chat')]) li.remove();
        add('moderation', { time: f.timestamp, text: 'The chat was cleared by a moderator.' });
        break;
      case 'user_banned':
        add('moderation', { time: f.timestamp, text: `${f.userId} was banned${f.reason ? ': ' + f.reason : ''}.` });
        break;
      case 'user_timed_out':
        add('moderation', { time: f.timestamp, text: `${f.userId} was timed out for ${f.seconds} s${f.reason ? ': ' + f.reason : ''}.` });
        break;
      case 'user_unbanned':
        add('moderation', { time: f.timestamp, text: `${f.userId}'s ${f.sanction} was lifted.` });
        break;
      case 'user_shadow_banned':
        add('moderation', { time: f.timestamp, text: `${f.userId} is shadow banned (moderators only see this).` });
        break;
      case 'user_unshadow_banned':
        add('moderation', { time: f.timestamp, text: `${f.userId} is no longer shadow banned.` });
        break;
      case 'slow_mode':
        add('moderation', { time: f.timestamp, text: f.enabled ? `Slow mode: one message every ${f.seconds} s.` : 'Slow mode is off.' });
        break;
      case 'command_result':
        add('command', { time: f.timestamp, text: `/${f.command}: ${f.message}` });
        break;
      case 'user_joined':
        add('join', { time: f.timestamp, text: `${f.username} joined` });
        break;
      case 'user_left':
        add('leave', { time: f.timestamp, text: `${f.username} left` });
        break;
      case 'message_blocked':
        add('blocked', { time: f.timestamp, text: `Blocked (${f.reason}): ${f.message}${f.retryAfter ? ` Try again in ${f.retryAfter} s.` : ''}` });
        break;
      case 'message_redacted':
        add('redacted', { time: f.timestamp, text: `Redacted (${f.reason}): ${f.message}` });
        break;
      case 'error':
        add('error', { time: f.timestamp, text: `Error (${f.code}): ${f.message}` });
        break;
      case 'history':
        add('system', { time: f.timestamp, text: `History: ${f.messages.length} message(s)` });
        for (const m of f.messages) add('chat', { time: m.timestamp, who: m.username, text: m.message, mine: m.userId === me, id: m.messageId, userId: m.userId });
        break;
      case 'pong':
        break;
    }
  }

  $('connect').addEventListener('click', () => {
    // With a token the server takes the identity (and role) from its claims; otherwise, in development, from here.
    const token = $('token').value.trim();
    const params = new URLSearchParams({ streamId: $('streamId').value.trim() });
    if (token) {
      params.set('token', token);
    } else {
      params.set('userId', $('userId').value.trim());
      params.set('username', $('username').value.trim());
      if ($('role').value) params.set('role', $('role').value);
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // ?server=wss://API.execute-api.REGION.amazonaws.com/STAGE points the page at another host (the AWS sample).
    const server = new URLSearchParams(location.search).get('server');
    const base = server && /^wss?:\/\//.test(server) ? server.replace(/\/+$/, '') : `${scheme}://${location.host}/chat`;
    welcomed = false;
    // With a token the role is the token's; show the tools and let the server answer "forbidden" if it disagrees.
    moderating = Boolean(token) || $('role').value === 'moderator' || $('role').value === 'broadcaster';
    socket = new WebSocket(`${base}?${params}`);
    socket.addEventListener('open', () => { setConnected(true); send({ action: 'hello' }); });
    socket.addEventListener('message', onFrame);
    socket.addEventListener('close', (e) => {
      setConnected(false);
      add('system', { text: e.code === 1006 ? 'Connection refused or lost (check the ids, the token, or the page\'s origin).' : `Disconnected (${e.code}${e.reason ? ': ' + e.reason : ''}).` });
      socket = null;
    });
  });

  $('disconnect').addEventListener('click', () => socket && socket.close(1000, 'bye'));
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    sendMessage($('text').value);
    $('text').value = '';
  });
  $('btn-normal').addEventListener('click', () => sendMessage(samples.normal));
  $('btn-spam').addEventListener('click', () => sendMessage(samples.spam));
  $('btn-pii').addEventListener('click', () => sendMessage(samples.pii));
  $('btn-history').addEventListener('click', () => send({ action: 'history', limit: 50 }));

  // Let a tester open two tabs as two users: ?userId=...&username=...&streamId=...&role=...&token=... prefill the fields.
  const q = new URLSearchParams(location.search);
  for (const id of ['userId', 'username', 'streamId', 'role', 'token']) if (q.get(id)) $(id).value = q.get(id);
  setConnected(false);
})();

// StreamChat browser test page. Everything a user typed is inserted with textContent, never as HTML.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const list = $('messages');
  let socket = null;
  let me = null;
  let welcomed = false;
  let moderating = false;
  // Recovery: the last message id seen, and whether a close was asked for (no reconnect then).
  let lastId = null;
  let leaving = false;
  let retries = 0;
  let retryTimer = null;
  let replyTo = null;
  const reactionSet = ['👍', '❤️', '😂', '🔥'];
  const myReactions = new Set();

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
    if (parts.replyTo) {
      const q = document.createElement('span');
      q.className = 'quote';
      q.textContent = `↪ ${parts.replyTo.username}: ${parts.replyTo.quote}`;
      li.appendChild(q);
    }
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = parts.text;
    li.appendChild(body);
    if (kind === 'chat' && parts.id) {
      const r = document.createElement('span');
      r.className = 'reactions';
      for (const emoji of reactionSet) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.emoji = emoji;
        b.addEventListener('click', () => {
          const key = parts.id + ' ' + emoji;
          const on = !myReactions.has(key);
          if (on) myReactions.add(key); else myReactions.delete(key);
          b.classList.toggle('mine', on);
          send({ action: on ? 'react' : 'unreact', messageId: parts.id, emoji });
        });
        r.appendChild(b);
      }
      const reply = document.createElement('button');
      reply.type = 'button';
      reply.className = 'reply';
      reply.textContent = 'Reply';
      reply.addEventListener('click', () => {
        replyTo = parts.id;
        $('replying-text').textContent = `Replying to ${parts.who}: ${parts.text.slice(0, 60)}`;
        $('replying').hidden = false;
        $('text').focus();
      });
      r.appendChild(reply);
      li.appendChild(r);
      showCounts(li, parts.reactions || {});
    }
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

  function showCounts(li, counts) {
    for (const b of li.querySelectorAll('.reactions button[data-emoji]')) {
      const n = counts[b.dataset.emoji] || 0;
      b.textContent = n ? `${b.dataset.emoji} ${n}` : b.dataset.emoji;
      b.dataset.count = String(n);
    }
  }

  function seen(id) {
    if (id && (!lastId || id > lastId)) lastId = id;
  }

  function addChat(m) {
    // A replayed or reloaded message already on the page is not shown twice.
    if ([...list.querySelectorAll('li.msg-chat')].some((li) => li.dataset.messageId === m.messageId)) return;
    seen(m.messageId);
    add('chat', { time: m.timestamp, who: m.username, text: m.message, mine: m.userId === me, id: m.messageId, userId: m.userId, replyTo: m.replyTo, reactions: m.reactions });
  }

  function setConnected(connected) {
    $('status').textContent = connected ? 'Connected' : 'Disconnected';
    $('status').className = 'status ' + (connected ? 'connected' : 'disconnected');
    $('connect').disabled = connected;
    $('disconnect').disabled = !connected;
    for (const id of ['text', 'send', 'whisper-to', 'whisper', 'btn-normal', 'btn-spam', 'btn-pii', 'btn-history']) $(id).disabled = !connected;
    for (const id of ['userId', 'username', 'streamId', 'role', 'token']) $(id).disabled = connected;
  }

  // Every frame carries its number on this connection (seq: 1, 2, 3, ...), so a host that may handle frames
  // concurrently (API Gateway and Lambda) still handles them in the order they were sent.
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ ...frame, seq: ++socket.seq }));
  }

  function sendMessage(text) {
    if (!text || !text.trim()) return;
    if (replyTo && !text.startsWith('/')) send({ action: 'message', message: text, replyTo }); else send({ action: 'message', message: text });
    replyTo = null;
    $('replying').hidden = true;
  }

  function removeMessages(ids) {
    for (const id of ids) for (const li of [...list.querySelectorAll('li.msg-chat')]) if (li.dataset.messageId === id) li.remove();
  }

  function onFrame(event) {
    let f;
    try { f = JSON.parse(event.data); } catch { return; }
    switch (f.type) {
      case 'welcome':
        $('viewers').textContent = `${f.viewerCount} watching`;
        if (f.recovered === true) {
          add('system', { time: f.timestamp, text: 'Reconnected: catching up on what you missed.' });
          break;
        }
        if (f.recovered === false) {
          // The gap is too old to replay: reload history instead.
          for (const li of [...list.querySelectorAll('li.msg-chat')]) li.remove();
          add('system', { time: f.timestamp, text: 'Reconnected after a long gap: reloading history.' });
          send({ action: 'history', limit: 50 });
          break;
        }
        // Kestrel welcomes at open and again for hello; show one per connection.
        if (welcomed) break;
        welcomed = true;
        me = f.userId;
        add('system', { time: f.timestamp, text: `${f.message} (${f.viewerCount} watching)` });
        break;
      case 'message':
        addChat(f);
        break;
      case 'reactions':
        // Folded frames from several processes (Lambda sandboxes, Redis nodes) can arrive out of order: the newest wins.
        for (const r of f.reactions) for (const li of list.querySelectorAll('li.msg-chat')) {
          if (li.dataset.messageId !== r.messageId || (li.dataset.reactionsAt || '') > f.timestamp) continue;
          li.dataset.reactionsAt = f.timestamp;
          showCounts(li, r.counts);
        }
        break;
      case 'whisper':
        add('whisper', { time: f.timestamp, who: `${f.fromUsername} → ${f.toUserId}`, text: f.message, mine: f.fromUserId === me });
        break;
      case 'viewer_count':
        $('viewers').textContent = `${f.viewerCount} watching`;
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
        for (const m of f.messages) addChat(m);
        break;
      case 'pong':
        break;
    }
  }

  function open(recovering) {
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
    if (!recovering) { welcomed = false; lastId = null; }
    // With a token the role is the token's; show the tools and let the server answer "forbidden" if it disagrees.
    moderating = Boolean(token) || $('role').value === 'moderator' || $('role').value === 'broadcaster';
    const ws = new WebSocket(`${base}?${params}`);
    socket = ws;
    ws.seq = 0;
    ws.addEventListener('open', () => {
      retries = 0;
      setConnected(true);
      // After a drop, say which message was seen last: the server replays what was missed, tombstones included.
      send(recovering && lastId ? { action: 'hello', since: lastId } : { action: 'hello' });
    });
    ws.addEventListener('message', onFrame);
    ws.addEventListener('close', (e) => {
      if (socket !== ws) return;
      setConnected(false);
      socket = null;
      const wanted = leaving || e.code === 1000 || e.code === 4003;
      add('system', { text: e.code === 1006 && !welcomed ? 'Connection refused or lost (check the ids, the token, or the page\'s origin).' : `Disconnected (${e.code}${e.reason ? ': ' + e.reason : ''}).` });
      if (!wanted && welcomed) scheduleReconnect();
    });
  }

  // Reconnects with exponential backoff and jitter (0.5 s doubling to 10 s), only while the browser is online.
  function scheduleReconnect() {
    clearTimeout(retryTimer);
    if (!navigator.onLine) return;
    const delay = Math.min(10000, 500 * 2 ** retries++) * (0.75 + Math.random() / 2);
    add('system', { text: `Reconnecting in ${(delay / 1000).toFixed(1)} s…` });
    retryTimer = setTimeout(() => { if (!socket && !leaving) open(true); }, delay);
  }

  $('connect').addEventListener('click', () => { leaving = false; retries = 0; open(false); });
  $('disconnect').addEventListener('click', () => { leaving = true; clearTimeout(retryTimer); if (socket) socket.close(1000, 'bye'); });
  // A phone that loses its network keeps a dead socket for a while; the page drops it at once and comes back online with since.
  window.addEventListener('offline', () => { if (socket) { add('system', { text: 'Network lost.' }); socket.close(4000, 'offline'); } });
  window.addEventListener('online', () => { if (!socket && !leaving && welcomed) { retries = 0; scheduleReconnect(); } });
  $('reply-cancel').addEventListener('click', () => { replyTo = null; $('replying').hidden = true; });
  $('whisper').addEventListener('click', () => {
    const to = $('whisper-to').value.trim();
    const text = $('text').value;
    if (to && text.trim()) send({ action: 'whisper', toUserId: to, message: text });
    $('text').value = '';
  });
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

// Live lists (docs/ARCHITECTURE.md "Live lists"): the lead list, My tasks, the team page and the notification feed
// follow their organization's changes. The page (div#org-live, src/views/layout.tsx) keeps a WebSocket open to its
// organization's room (src/leads/org-room.ts), which names the changed leads this person may see ({ leads, recheck });
// the page then refetches what changed from the server, never trusting the message for more than "look again". On
// every (re)connection it refetches all it shows, so what was missed while disconnected appears, once.
;(function () {
  var hook = document.getElementById('org-live')
  if (!hook || !window.WebSocket || !window.DOMParser) return
  var kind = hook.getAttribute('data-live')
  var wanted = { ids: {}, all: false }
  var timer = null
  var busy = false
  var retry = 500

  function connect() {
    var url = new URL(hook.getAttribute('data-live-url'), location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    var socket = new WebSocket(url)
    socket.onopen = function () {
      retry = 500
      want([], true)
    }
    socket.onmessage = function (event) {
      try {
        var change = JSON.parse(event.data)
        want(change.leads || [], Boolean(change.recheck))
      } catch {
        want([], true)
      }
    }
    socket.onclose = function () {
      // Back off up to 30 s; the next connection catches up.
      setTimeout(connect, retry)
      retry = Math.min(retry * 2, 30000)
    }
  }

  // Changes arriving close together are fetched once; one fetch at a time.
  function want(ids, all) {
    ids.forEach(function (id) {
      wanted.ids[id] = true
    })
    wanted.all = wanted.all || all
    if (!timer && !busy) timer = setTimeout(flush, 50)
  }
  function flush() {
    timer = null
    // Logging out (public/app.js marks the page data-leaving): nothing more is fetched.
    if (document.documentElement.hasAttribute('data-leaving')) return
    var work = wanted
    wanted = { ids: {}, all: false }
    var ids = Object.keys(work.ids)
    if (ids.length === 0 && !work.all) return
    busy = true
    refresh(ids, work.all)
      .catch(function () {
        // The server could not answer: look again at everything next time.
        wanted.all = true
      })
      .then(function () {
        busy = false
        if (Object.keys(wanted.ids).length > 0 || wanted.all) timer = setTimeout(flush, 50)
      })
  }

  function fetchHtml(url) {
    return fetch(url, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) throw new Error(res.status)
      return res.text().then(function (text) {
        return new DOMParser().parseFromString(text, 'text/html')
      })
    })
  }
  function adopt(node) {
    var copy = document.importNode(node, true)
    return copy
  }
  function processed(node) {
    if (window.htmx) window.htmx.process(node)
    document.dispatchEvent(new CustomEvent('live-lists:changed', { detail: { node: node } }))
    return node
  }

  // What the page shows first, then the unread badge.
  function refresh(ids, all) {
    return refreshPage(ids, all).then(function () {
      var badge = document.getElementById('notification-count')
      if (badge && window.htmx)
        window.htmx.ajax('GET', badge.getAttribute('hx-get'), { target: badge, swap: 'outerHTML' })
    })
  }
  function refreshPage(ids, all) {
    if (kind === 'list') return refreshList(ids, all)
    // The other pages are small: the page again, and the part that moves swapped in (nothing typed there).
    return fetchHtml(location.href).then(function (doc) {
      if (kind === 'team') {
        doc.querySelectorAll('tr[data-member-id] td[data-open-leads]').forEach(function (cell) {
          var id = cell.closest('tr').getAttribute('data-member-id')
          var mine = document.querySelector('tr[data-member-id="' + id + '"] td[data-open-leads]')
          if (mine && mine.textContent !== cell.textContent) mine.replaceWith(adopt(cell))
        })
        return
      }
      var id = kind === 'tasks' ? 'my-tasks' : 'feed-items'
      var fresh = doc.getElementById(id)
      var mine = document.getElementById(id)
      if (fresh && mine && fresh.innerHTML !== mine.innerHTML) mine.replaceWith(processed(adopt(fresh)))
    })
  }

  // ---- The lead list: rows updated in place, new rows marked, rows that left the filter marked ----

  function rowOf(id) {
    return document.querySelector('#lead-list tr[data-lead-id="' + id + '"]')
  }
  function shownIds() {
    return Array.prototype.map.call(document.querySelectorAll('#lead-list tbody tr[data-lead-id]'), function (row) {
      return row.getAttribute('data-lead-id')
    })
  }
  function refreshList(ids, all) {
    var query = new URLSearchParams(location.search)
    query.set('ids', ids.join(','))
    query.set('shown', shownIds().join(','))
    if (all) query.set('catchup', '1')
    var path = location.pathname.replace(/\/$/, '') + '/rows?' + query.toString()
    return fetchHtml(path).then(function (doc) {
      var template = doc.getElementById('live-rows')
      if (template) applyRows(template)
    })
  }
  function applyRows(rows) {
    var total = rows.querySelector('[data-total-count]')
    var mine = document.querySelector('#lead-results [data-total-count]')
    if (total && mine) mine.replaceWith(adopt(total))
    var fresh = {}
    rows.querySelectorAll('[data-new]').forEach(function (li) {
      fresh[li.getAttribute('data-new')] = li.getAttribute('data-after')
    })
    var body = document.querySelector('#lead-list tbody')
    rows.querySelectorAll('#lead-list tbody tr[data-lead-id]').forEach(function (tr) {
      var id = tr.getAttribute('data-lead-id')
      var row = rowOf(id)
      if (row) return patchRow(row, tr)
      if (!(id in fresh) || !body) return
      var added = adopt(tr)
      added.classList.add('live-new')
      label(added, 'live-new', 'New')
      var after = fresh[id] && rowOf(fresh[id])
      if (after) after.after(added)
      else if (fresh[id]) body.append(added)
      else body.prepend(added)
      processed(added)
    })
    var results = document.getElementById('lead-results')
    var empty = results && body && body.rows.length > 0 && results.querySelector(':scope > p.empty')
    if (empty) empty.remove()
    rows.querySelectorAll('[data-gone]').forEach(function (li) {
      var row = rowOf(li.getAttribute('data-gone'))
      if (!row || row.classList.contains('live-gone')) return
      row.classList.add('live-gone')
      label(row, 'live-gone', 'No longer matches this filter')
    })
  }
  // A short label in the row's name cell: "New", "No longer matches this filter".
  function label(row, name, text) {
    var cell = row.querySelector('td.lead-name')
    if (!cell || cell.querySelector('.' + name + '-label')) return
    var note = document.createElement('span')
    note.className = 'row-live ' + name + '-label'
    note.textContent = text
    cell.append(note)
  }
  // Updates a row the page shows cell by cell: its tick box, a row menu that was opened (with what is typed in it),
  // the element with focus and the answer to this person's own change ("Saved.") stay where they are; the rest is the
  // row as it is now.
  function patchRow(row, fresh) {
    row.classList.remove('live-gone')
    Array.prototype.forEach.call(fresh.cells, function (cell, i) {
      var old = row.cells[i]
      if (!old || old.classList.contains('pick')) return
      var notice = old.querySelector(':scope > .row-notice')
      patchCell(old, cell)
      if (notice && !old.querySelector(':scope > .row-notice'))
        old.insertBefore(notice, old.querySelector(':scope > details.row-menu'))
    })
    if (row.classList.contains('live-new')) label(row, 'live-new', 'New')
  }
  function patchCell(old, cell) {
    var menu = old.querySelector(':scope > details.row-menu')
    var keep = menu && (menu.open || menu.contains(document.activeElement) || menu.querySelector('select, textarea'))
    if (!keep && old.contains(document.activeElement)) return
    var copy = adopt(cell)
    // The cell's own attributes too (a day cell's data-at, src/views/time.tsx).
    Array.prototype.forEach.call(copy.attributes, function (attribute) {
      old.setAttribute(attribute.name, attribute.value)
    })
    if (!keep) {
      old.replaceChildren.apply(old, Array.prototype.slice.call(copy.childNodes))
      return processed(old)
    }
    // Everything around the menu is replaced; the menu itself is never moved (moving it would lose the focus).
    var placeholder = copy.querySelector(':scope > details.row-menu')
    var summary = placeholder && placeholder.querySelector('summary')
    if (summary) menu.querySelector('summary').textContent = summary.textContent
    var after = false
    Array.prototype.slice.call(old.childNodes).forEach(function (node) {
      if (node !== menu) node.remove()
    })
    Array.prototype.slice.call(copy.childNodes).forEach(function (node) {
      if (node === placeholder) after = true
      else if (after) old.append(node)
      else old.insertBefore(node, menu)
    })
  }

  connect()
})()

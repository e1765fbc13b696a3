// Progressive enhancements that need no server round trip. Every page works without this file.
;(function () {
  // htmx itself is configured by <meta name="htmx-config"> (src/views/htmx-config.ts).

  // The page-level alert (#page-alert) where refusals of htmx requests show: Dismiss empties it, and the next
  // htmx request clears it too, so an old message never sits beside fresh content.
  function clearPageAlert() {
    var region = document.getElementById('page-alert')
    if (region) region.replaceChildren()
  }
  document.addEventListener('click', function (event) {
    if (event.target instanceof Element && event.target.closest('[data-dismiss-alert]')) clearPageAlert()
  })
  document.addEventListener('htmx:beforeRequest', function (event) {
    // Polling (hx-trigger="every ...") is not the person acting: it leaves the message alone, and it waits while
    // the tab is in the background (nobody sees it there).
    var trigger = event.detail && event.detail.elt && event.detail.elt.getAttribute('hx-trigger')
    var polling = trigger && trigger.indexOf('every ') === 0
    if (polling && document.hidden) event.preventDefault()
    else if (!polling) clearPageAlert()
  })
  // Logging out ends the session: from the click on, the page sends no more htmx requests (the badge's poll, a live
  // refetch) and ignores answers still in flight, so one answered "signed out" (HX-Redirect) does not take the page
  // away from the log-in page it is going to. public/live-lists.js reads the same mark (data-leaving).
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (form instanceof HTMLFormElement && form.getAttribute('action') === '/logout')
      document.documentElement.setAttribute('data-leaving', '')
  })
  function leaving(event) {
    if (document.documentElement.hasAttribute('data-leaving')) event.preventDefault()
  }
  document.addEventListener('htmx:beforeRequest', leaving)
  document.addEventListener('htmx:beforeOnLoad', leaving)
  // Back in the foreground, the unread badge asks at once rather than at its next poll.
  document.addEventListener('visibilitychange', function () {
    var badge = document.getElementById('notification-count')
    if (document.hidden || !badge || !window.htmx) return
    window.htmx.ajax('GET', badge.getAttribute('hx-get'), { target: badge, swap: 'outerHTML' })
  })

  // Shows <time data-local-time> elements, and the lead list's day cells (data-at, epoch ms: src/views/time.tsx
  // dayCell), in the viewer's own time zone (the server renders UTC); data-local-time="day" and a day cell show the
  // date alone, the full time in its title.
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  var dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
  function localize(root) {
    var selector = 'time[data-local-time], td[data-at]'
    var found = Array.prototype.slice.call(root.querySelectorAll(selector))
    if (root.matches && root.matches(selector)) found.push(root)
    found.forEach(function (el) {
      var at = el.getAttribute('data-at')
      var date = new Date(at ? Number(at) : el.getAttribute('datetime'))
      if (isNaN(date)) return
      if (at || el.getAttribute('data-local-time') === 'day') {
        el.textContent = dayFormat.format(date)
        el.title = format.format(date)
      } else el.textContent = format.format(date)
    })
  }
  document.addEventListener('DOMContentLoaded', function () {
    localize(document)
  })
  document.addEventListener('htmx:afterSwap', function (event) {
    localize(event.target)
  })
  // A live list's rows, updated or added (public/live-lists.js).
  document.addEventListener('live-lists:changed', function (event) {
    if (event.detail && event.detail.node) localize(event.detail.node)
  })

  // ---- The lead list (src/leads/list-views.tsx) ----

  // "Select all on this page" ticks every lead box of the list; the bulk bar says how many are selected.
  function updateSelection(form) {
    if (!form) return
    var boxes = form.querySelectorAll('input[name="leadIds"]')
    var ticked = form.querySelectorAll('input[name="leadIds"]:checked').length
    var page = form.querySelector('input[data-select-page]')
    if (page) {
      page.checked = boxes.length > 0 && ticked === boxes.length
      page.indeterminate = ticked > 0 && ticked < boxes.length
    }
    var all = form.querySelector('input[name="all"]')
    var count = form.querySelector('[data-selected-count]')
    if (count) {
      var n = all && all.checked ? Number(all.getAttribute('data-count')) : ticked
      var more = all && all.checked && all.hasAttribute('data-more') ? '+' : ''
      count.textContent = n.toLocaleString('en') + more + ' selected'
    }
  }
  document.addEventListener('change', function (event) {
    var box = event.target
    if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return
    var form = box.closest('#bulk-form')
    if (!form) return
    if (box.hasAttribute('data-select-page')) {
      form.querySelectorAll('input[name="leadIds"]').forEach(function (b) {
        b.checked = box.checked
      })
    }
    updateSelection(form)
  })
  document.addEventListener('htmx:afterSettle', function () {
    updateSelection(document.getElementById('bulk-form'))
  })

  // Row menus: a row's "Assign to…" menu is two elements until it is first opened; then its body and the form it
  // posts with are loaded (GET …/{leadId}/assign-menu, src/assignment/routes.tsx) with the holders the row showed
  // (its bulk field shown_{leadId}), which the menu sends back so a change made meanwhile is caught. A form left by
  // an earlier menu of the same row (replaced since) goes first: one form per row.
  document.addEventListener(
    'toggle',
    function (event) {
      var menu = event.target
      if (!(menu instanceof HTMLDetailsElement) || !menu.open || !menu.classList.contains('row-menu')) return
      var row = menu.closest('tr[data-lead-id]')
      if (!row || !window.htmx || menu.querySelector('.row-menu-body') || menu.hasAttribute('data-loading')) return
      var id = row.getAttribute('data-lead-id')
      var shown = row.querySelector('input[name="shown_' + id + '"]')
      var old = document.getElementById('assign-' + id)
      if (old) old.remove()
      var link = row.querySelector('td.lead-name a')
      if (!link) return
      menu.setAttribute('data-loading', '')
      window.htmx
        .ajax('GET', link.getAttribute('href') + '/assign-menu', {
          source: menu,
          target: menu,
          swap: 'beforeend',
          values: shown ? { shown_assignees: shown.value } : {},
        })
        .finally(function () {
          menu.removeAttribute('data-loading')
        })
    },
    true,
  )

  // The search box: leaving it (e.g. to tick a box or open a row menu) fires "change", which must not
  // run the search again; typing runs it (hx-trigger "input changed delay"), Enter submits it.
  document.addEventListener(
    'change',
    function (event) {
      var el = event.target
      if (el instanceof HTMLInputElement && el.type === 'search' && el.closest('#lead-filters')) event.stopPropagation()
    },
    true,
  )

  // One history entry per search: the first request while typing in the box pushes a new entry, the
  // next ones (the same search, typed further) replace it. Leaving the box ends the search.
  var typing = null // { pushed: boolean } while the search box has focus
  document.addEventListener('focusin', function (event) {
    if (
      event.target instanceof HTMLInputElement &&
      event.target.type === 'search' &&
      event.target.closest('#lead-filters')
    )
      typing = { pushed: false }
  })
  document.addEventListener('focusout', function (event) {
    if (event.target instanceof HTMLInputElement && event.target.type === 'search') typing = null
  })
  document.addEventListener('htmx:beforeRequest', function (event) {
    var form = event.detail && event.detail.elt
    if (!(form instanceof HTMLFormElement) || form.id !== 'lead-filters') return
    if (typing && typing.pushed) {
      form.removeAttribute('hx-push-url')
      form.setAttribute('hx-replace-url', 'true')
    } else {
      form.removeAttribute('hx-replace-url')
      form.setAttribute('hx-push-url', 'true')
    }
  })
  document.addEventListener('htmx:pushedIntoHistory', function () {
    var search = document.querySelector('#lead-filters input[type="search"]')
    if (typing && search === document.activeElement) typing.pushed = true
    syncFilters(false)
  })
  document.addEventListener('htmx:replacedInHistory', function () {
    syncFilters(false)
  })

  // The filter fields always say what the address says (after Back and Forward, and after sorting or
  // paging, which change the address without the form); the field being typed in is left alone.
  function syncFilters(all) {
    var form = document.getElementById('lead-filters')
    if (!form) return
    var params = new URLSearchParams(location.search)
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'submit' || (!all && el === document.activeElement)) return
      if (el.type === 'checkbox') el.checked = params.get(el.name) === el.value
      else el.value = params.get(el.name) || ''
    })
  }
  document.addEventListener('htmx:historyRestore', function () {
    typing = null
    syncFilters(true)
    localize(document)
    updateSelection(document.getElementById('bulk-form'))
  })
  window.addEventListener('pageshow', function () {
    syncFilters(true)
  })

  // The lead page's times (src/views/when.tsx): "5 min ago" for a week, then the exact day and time; the
  // exact time on hover, all in the viewer's time zone (#timeline[data-time-zone]). Null: give the exact time.
  function relative(date) {
    var ago = Date.now() - date.getTime()
    if (ago < -60000 || ago >= 7 * 24 * 3600000) return null
    var minutes = Math.floor(Math.max(0, ago) / 60000)
    if (minutes < 1) return 'just now'
    if (minutes < 60) return minutes + ' min ago'
    var hours = Math.floor(minutes / 60)
    if (hours < 24) return hours + ' h ago'
    var days = Math.floor(hours / 24)
    return days === 1 ? 'yesterday' : days + ' days ago'
  }
  function refreshTimes(root) {
    var zoneHolder = document.querySelector('[data-time-zone]')
    var timeZone = zoneHolder ? zoneHolder.getAttribute('data-time-zone') : undefined
    var exact
    try {
      exact = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone })
    } catch {
      exact = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
    }
    root.querySelectorAll('time[data-relative]').forEach(function (el) {
      var date = new Date(el.getAttribute('datetime'))
      if (isNaN(date)) return
      el.textContent = relative(date) || exact.format(date)
      el.title = exact.format(date) + (timeZone ? ' (' + timeZone + ')' : '')
    })
    // Instants within sentences (a call's time): a live entry arrives written in UTC for everyone.
    var weekday = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: exact.resolvedOptions().timeZone,
    })
    root.querySelectorAll('time[data-zoned]').forEach(function (el) {
      var date = new Date(el.getAttribute('datetime'))
      if (isNaN(date)) return
      // "Mon 09:00": a time within the coming week (when someone's working hours start).
      if (el.getAttribute('data-zoned') === 'weekday') el.textContent = weekday.format(date)
      else el.textContent = exact.format(date) + (timeZone ? ' (' + timeZone + ')' : '')
    })
  }
  setInterval(function () {
    refreshTimes(document)
  }, 60000)
  // A live entry already on the page (it came by a reload and over the socket) is shown once.
  function dropDuplicateEntries() {
    var seen = {}
    document.querySelectorAll('#timeline time[data-activity-id]').forEach(function (el) {
      var id = el.getAttribute('data-activity-id')
      var item = el.closest('li')
      if (seen[id] && item) item.remove()
      else seen[id] = true
    })
  }
  // A status change arriving live moves the lead page's status box along, unless the viewer has already picked
  // another status in it (the form carries the status it shows, `from`: the server merges against it).
  function followStatus() {
    var newest = document.querySelector('#timeline-items li[data-status-to]')
    var form = document.getElementById('status-form')
    if (!newest || !form) return
    var to = newest.getAttribute('data-status-to')
    var shown = form.querySelector('input[name=from]')
    var select = form.querySelector('select[name=status]')
    if (!shown || !select || select.value !== shown.value) return
    shown.value = to
    select.value = to
  }
  // The "Assigned to" section reloads itself when who holds the lead changes (a live update, a reconnect's
  // catch-up), unless the viewer is choosing or typing in it: then it stays as it is, marked stale. Its forms carry
  // the holders they were shown with, so sending one says who holds the lead now and keeps what was typed.
  function assignmentInUse(section) {
    var active = document.activeElement
    if (active && section.contains(active) && /^(TEXTAREA|SELECT|INPUT)$/.test(active.tagName)) return true
    return Array.prototype.some.call(section.querySelectorAll('textarea, select'), function (field) {
      if (field.tagName === 'TEXTAREA') return field.value.trim() !== ''
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected
      })
    })
  }
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail && event.detail.target
    if (!(target instanceof Element) || target.id !== 'assignment') return
    // The same holders as shown (a catch-up that missed nothing): left as it is, with whatever was chosen.
    var incoming = document.createRange().createContextualFragment(event.detail.serverResponse || '')
    var fresh = incoming.querySelector('#assignment')
    var same = fresh && fresh.getAttribute('data-state') === target.getAttribute('data-state')
    if (!same && !assignmentInUse(target)) return
    event.detail.shouldSwap = false
    if (same || target.querySelector('[data-assignment-stale]')) return
    if (target.querySelector('[data-assignment-stale]')) return
    var notice = document.createElement('p')
    notice.className = 'notice'
    notice.setAttribute('role', 'status')
    notice.setAttribute('data-assignment-stale', '')
    notice.textContent =
      'Someone changed who holds this lead while you were here. What you send will say who holds it now, and keep what you typed.'
    var heading = target.querySelector('h2')
    if (heading) heading.after(notice)
    else target.prepend(notice)
  })
  // A filtered timeline keeps only the live entries of its filter, an older page none (data-live-filter and
  // data-filters, src/activity/timeline.tsx).
  function keepFilteredEntries() {
    var list = document.getElementById('timeline-items')
    var filter = list && list.getAttribute('data-live-filter')
    if (!filter) return
    Array.prototype.forEach.call(list.querySelectorAll(':scope > li'), function (item) {
      if ((item.getAttribute('data-filters') || '').split(' ').indexOf(filter) < 0) item.remove()
    })
  }
  document.addEventListener('htmx:wsAfterMessage', function () {
    keepFilteredEntries()
    dropDuplicateEntries()
    refreshTimes(document)
    followStatus()
  })
  // Entries that came live, newest last (at most 50): a catch-up reload of the timeline rendered before one of
  // them was saved would otherwise drop it when it lands, so after every reload the missing ones go back on top.
  var liveEntries = []
  document.addEventListener('htmx:wsBeforeMessage', function (event) {
    var message = event.detail && event.detail.message
    if (typeof message !== 'string' || message.indexOf('#timeline-items') < 0) return
    var fragment = document.createRange().createContextualFragment(message)
    var items = Array.prototype.slice.call(fragment.querySelectorAll('li')).reverse()
    items.forEach(function (item) {
      var time = item.querySelector('time[data-activity-id]')
      if (time) liveEntries.push({ id: time.getAttribute('data-activity-id'), html: item.outerHTML })
    })
    liveEntries = liveEntries.slice(-50)
  })
  document.addEventListener('htmx:afterSwap', function (event) {
    var list = document.getElementById('timeline-items')
    if (!list || !(event.target instanceof Element) || !event.target.closest('#timeline')) return
    liveEntries.forEach(function (entry) {
      if (list.querySelector('time[data-activity-id="' + entry.id + '"]')) return
      list.insertAdjacentHTML('afterbegin', entry.html)
    })
    keepFilteredEntries()
    refreshTimes(list)
  })
  // A room closed the connection for good: the viewer's access ended (4403, src/lib/websocket-room.ts ACCESS_ENDED:
  // signed out, no longer a member, role changed, can no longer see the lead or the pool) or they have too many pages
  // open there (4429, TOO_MANY_SOCKETS). Say so, with the room's reason, and stop showing who else is here; the
  // htmx ws extension does not reconnect after these codes.
  document.addEventListener('htmx:wsClose', function (event) {
    var closed = event.detail && event.detail.event
    if (!closed || (closed.code !== 4403 && closed.code !== 4429)) return
    var region = document.getElementById('page-alert')
    var presence = document.getElementById('presence')
    if (presence) presence.replaceChildren()
    if (!region) return
    var alert = document.createElement('p')
    alert.className = 'alert'
    alert.setAttribute('role', 'alert')
    alert.setAttribute('data-live-ended', String(closed.code))
    var message = document.createElement('strong')
    message.textContent = closed.reason || 'Access ended.'
    alert.append(message, ' This page no longer updates live; reload to see where you stand.')
    region.replaceChildren(alert)
  })
  // After every (re)connection the timeline and the live lists (tasks, communications) reload themselves
  // from the server, so what was missed while disconnected appears, once.
  // The "Assigned to" section (`lead-reconnect`) only after a connection was lost: the page was just rendered before
  // the first one, and one request less then keeps the first catch-up quick.
  var leadSocketOpened = false
  document.addEventListener('htmx:wsOpen', function () {
    if (!window.htmx) return
    document.querySelectorAll('[hx-trigger="lead-catch-up"]').forEach(function (el) {
      window.htmx.trigger(el, 'lead-catch-up')
    })
    if (leadSocketOpened)
      document.querySelectorAll('[hx-trigger="lead-reconnect"]').forEach(function (el) {
        window.htmx.trigger(el, 'lead-reconnect')
      })
    leadSocketOpened = true
  })
  document.addEventListener('htmx:afterSwap', function (event) {
    refreshTimes(event.target)
  })

  // Typing survives every swap the person did not ask for: a live update, a catch-up reload, or the answer to
  // another form (a boosted form's answer replaces the whole page). Before a swap, what was typed in a field that
  // differs from what the page was served with is noted (by id, else by its form's action and its name), unless the
  // field belongs to the form being sent (its answer decides: cleared when saved, kept with the reason when refused);
  // after the swap, a new field with the same key that still holds what it was served with gets it back, with the
  // focus and the cursor.
  var typed = []
  function fieldKey(el) {
    if (el.id) return '#' + el.id
    var form = el.form || el.closest('form')
    return form && el.name ? (form.getAttribute('action') || '') + '|' + el.name : null
  }
  function served(el) {
    return el instanceof HTMLSelectElement ? null : el.defaultValue
  }
  function noteTyped(event) {
    var sending = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt
    var form = sending instanceof Element ? sending.closest('form') : null
    document
      .querySelectorAll('textarea, input[type=text], input[type=email], input[type=tel], input:not([type])')
      .forEach(function (el) {
        var key = fieldKey(el)
        if (!key || el.value === served(el) || (form && (el.form || el.closest('form')) === form)) return
        var focused = el === document.activeElement
        typed.push({
          key: key,
          el: el,
          value: el.value,
          focused: focused,
          start: el.selectionStart,
          end: el.selectionEnd,
        })
      })
  }
  function giveTypedBack() {
    var notes = typed
    typed = []
    notes.forEach(function (note) {
      if (document.contains(note.el)) return
      var fresh = Array.prototype.find.call(document.querySelectorAll('textarea, input'), function (el) {
        return fieldKey(el) === note.key
      })
      if (!fresh || fresh.value !== served(fresh)) return
      fresh.value = note.value
      if (!note.focused) return
      fresh.focus()
      if (note.start !== null) fresh.setSelectionRange(note.start, note.end)
    })
  }
  document.addEventListener('htmx:beforeSwap', noteTyped)
  document.addEventListener('htmx:oobBeforeSwap', noteTyped)
  document.addEventListener('htmx:afterSettle', giveTypedBack)
  document.addEventListener('htmx:oobAfterSwap', giveTypedBack)

  // @mention suggestions: picking a member completes the @ word being typed in the note. Enter or Tab picks the
  // highlighted suggestion (the first, until the arrow keys move it); Escape closes the list.
  function chooseMention(button) {
    var form = button.closest('form')
    var field = form && form.querySelector('textarea[name="body"]')
    if (!field) return
    field.value = field.value.replace(/@[^@\s]*(?: [^@\s]*)?$/, '@' + button.getAttribute('data-mention') + ' ')
    var list = document.getElementById('mention-suggestions')
    if (list) list.replaceChildren()
    field.focus()
  }
  // The suggestions that fit the @ word as typed now, the others hidden: a list answered for an earlier keystroke
  // ("@B": Bea, Bo) narrows at once ("@Bo": Bo), so Enter never picks someone the word no longer names.
  function fittingMentions(field) {
    var list = document.getElementById('mention-suggestions')
    if (!list || !field.form || !field.form.contains(list)) return []
    var typed = /@([^@\s]*(?: [^@\s]*)?)$/.exec(field.value.slice(0, field.selectionEnd))
    var word = typed ? typed[1].toLowerCase() : null
    return Array.prototype.filter.call(list.querySelectorAll('[data-mention]'), function (button) {
      var fits = word !== null && button.getAttribute('data-mention').toLowerCase().indexOf(word) === 0
      button.parentElement.hidden = !fits
      if (!fits) button.removeAttribute('aria-current')
      return fits
    })
  }
  document.addEventListener('input', function (event) {
    if (event.target instanceof HTMLTextAreaElement && event.target.name === 'body') fittingMentions(event.target)
  })
  document.addEventListener('htmx:afterSwap', function (event) {
    var field = event.detail.requestConfig && event.detail.requestConfig.elt
    if (field instanceof HTMLTextAreaElement && field.name === 'body') fittingMentions(field)
  })
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element && event.target.closest('[data-mention]')
    if (button) chooseMention(button)
  })
  document.addEventListener('keydown', function (event) {
    var field = event.target
    if (!(field instanceof HTMLTextAreaElement) || field.name !== 'body') return
    var list = document.getElementById('mention-suggestions')
    var buttons = fittingMentions(field)
    if (buttons.length === 0 || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return
    var active = buttons.findIndex(function (b) {
      return b.getAttribute('aria-current') === 'true'
    })
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault()
      chooseMention(buttons[Math.max(active, 0)])
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      var next = (Math.max(active, 0) + (event.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length
      if (active < 0 && event.key === 'ArrowDown') next = 0
      buttons.forEach(function (b, i) {
        if (i === next) b.setAttribute('aria-current', 'true')
        else b.removeAttribute('aria-current')
      })
    } else if (event.key === 'Escape') list.replaceChildren()
  })

  // A plain form (not sent by htmx, which disables its own buttons with hx-disabled-elt) disables its
  // submit buttons once sent, so a double click sends it once. After the browser has built the
  // request (a disabled button's name/value would be left out of it), hence the timeout. Coming back
  // with the Back button shows the page from the cache: enable them again.
  document.addEventListener('submit', function (event) {
    var form = event.target
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return
    var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]')
    setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true
        button.setAttribute('data-sending', '')
      })
    }, 0)
  })
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('[data-sending]').forEach(function (button) {
      button.disabled = false
      button.removeAttribute('data-sending')
    })
  })
})()

// Time zones (src/views/time-zone.tsx): the hidden field of the sign-up and invitation forms gets the
// browser's time zone; the /account select lists every time zone the browser knows.
;(function () {
  document.addEventListener('DOMContentLoaded', function () {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone
    document.querySelectorAll('input[data-browser-time-zone]').forEach(function (input) {
      if (zone) input.value = zone
    })
    if (typeof Intl.supportedValuesOf !== 'function') return
    document.querySelectorAll('select[data-time-zone-select]').forEach(function (select) {
      var current = select.value
      var zones = Intl.supportedValuesOf('timeZone')
      if (zones.indexOf('UTC') < 0) zones = ['UTC'].concat(zones)
      if (zones.indexOf(current) < 0) zones = [current].concat(zones)
      select.replaceChildren.apply(
        select,
        zones.map(function (name) {
          var option = new Option(name, name, false, name === current)
          return option
        }),
      )
    })
  })
})()

// ---- Text limits (every form): text pasted or dropped into a field with a maxlength is never cut to fit ----
// The browser would silently keep only the first maxlength characters. Instead the whole text goes in, and
// the field says its limit at once (and refuses to be sent until shortened, as the server would refuse it).
;(function () {
  function field(el) {
    return (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && el.maxLength > 0 ? el : null
  }
  function limitNote(el) {
    var id = (el.id || el.name || 'field') + '-limit'
    var note = el.parentNode && el.parentNode.querySelector('[data-limit-for="' + el.name + '"]')
    return { id: id, note: note }
  }
  // Shows (or clears) the message beside `el` for its length now.
  function check(el) {
    var found = limitNote(el)
    var over = el.value.length > el.maxLength
    var message = over
      ? 'Keep this to ' +
        el.maxLength.toLocaleString('en-US') +
        ' characters or fewer (it has ' +
        el.value.length.toLocaleString('en-US') +
        ').'
      : ''
    el.setCustomValidity(message)
    if (!over) {
      if (found.note) found.note.remove()
      if (el.getAttribute('aria-describedby') === found.id) el.removeAttribute('aria-describedby')
      if (el.hasAttribute('data-over-limit')) el.removeAttribute('aria-invalid')
      el.removeAttribute('data-over-limit')
      return
    }
    var note = found.note
    if (!note) {
      note = document.createElement('p')
      note.className = 'error'
      note.id = found.id
      note.setAttribute('role', 'alert')
      note.setAttribute('data-limit-for', el.name)
      el.insertAdjacentElement('afterend', note)
    }
    note.textContent = message
    if (el.getAttribute('aria-invalid') !== 'true') el.setAttribute('data-over-limit', '')
    el.setAttribute('aria-invalid', 'true')
    if (!el.getAttribute('aria-describedby')) el.setAttribute('aria-describedby', found.id)
  }
  function insertWhole(event, text) {
    var el = field(event.target)
    if (!el || !text) return
    var start = el.selectionStart || 0
    var end = el.selectionEnd || 0
    if (el.value.length - (end - start) + text.length <= el.maxLength) return
    event.preventDefault()
    el.setRangeText(text, start, end, 'end')
    el.dispatchEvent(new Event('input', { bubbles: true }))
    check(el)
  }
  document.addEventListener('paste', function (event) {
    insertWhole(event, event.clipboardData ? event.clipboardData.getData('text/plain') : '')
  })
  document.addEventListener('drop', function (event) {
    insertWhole(event, event.dataTransfer ? event.dataTransfer.getData('text/plain') : '')
  })
  document.addEventListener('input', function (event) {
    var el = field(event.target)
    if (el && el.validationMessage && el.value.length <= el.maxLength) check(el)
  })
})()

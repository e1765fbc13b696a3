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
    // Polling (hx-trigger="every ...") is not the person acting: it leaves the message alone.
    var trigger = event.detail && event.detail.elt && event.detail.elt.getAttribute('hx-trigger')
    if (!trigger || trigger.indexOf('every ') !== 0) clearPageAlert()
  })

  // Shows <time data-local-time> elements in the viewer's own time zone (the server renders UTC).
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
  function localize(root) {
    root.querySelectorAll('time[data-local-time]').forEach(function (el) {
      var date = new Date(el.getAttribute('datetime'))
      if (!isNaN(date)) el.textContent = format.format(date)
    })
  }
  document.addEventListener('DOMContentLoaded', function () {
    localize(document)
  })
  document.addEventListener('htmx:afterSwap', function (event) {
    localize(event.target)
  })
})()

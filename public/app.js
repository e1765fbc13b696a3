// Progressive enhancements that need no server round trip. Every page works without this file.
// Shows <time data-local-time> elements in the viewer's own time zone (the server renders UTC).
;(function () {
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

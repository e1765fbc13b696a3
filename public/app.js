// Progressive enhancements that need no server round trip. Every page works without this file.
;(function () {
  // Refusals (403, 409, 422) come back as the page or fragment with the reason on it: show them.
  document.addEventListener('DOMContentLoaded', function () {
    if (window.htmx) {
      window.htmx.config.responseHandling = [
        { code: '204', swap: false },
        { code: '[23]..', swap: true },
        { code: '(403|409|410|422)', swap: true, error: false },
        { code: '[45]..', swap: false, error: true },
      ]
    }
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

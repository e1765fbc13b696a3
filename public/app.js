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

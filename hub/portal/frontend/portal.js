// The portal's only script: progressive enhancement. Every page works without it.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()

// Quick exit: blank the screen at once, then leave without a history entry to come back to. Without
// JavaScript the button is a plain link to the same neutral page.
function quickExit (href) {
  document.title = 'New tab'
  document.body.replaceChildren()
  window.location.replace(href)
}

for (const button of document.querySelectorAll('[data-hub-quick-exit]')) {
  button.addEventListener('click', function (event) {
    event.preventDefault()
    quickExit(button.getAttribute('href'))
  })
}

// As on GOV.UK's "Exit this page": pressing Shift three times in a row leaves too.
let shiftPresses = 0
let shiftTimer = null
document.addEventListener('keyup', function (event) {
  if (event.key !== 'Shift') {
    shiftPresses = 0
    return
  }
  shiftPresses += 1
  clearTimeout(shiftTimer)
  shiftTimer = setTimeout(function () { shiftPresses = 0 }, 5000)
  const button = document.querySelector('[data-hub-quick-exit]')
  if (shiftPresses >= 3 && button) {
    quickExit(button.getAttribute('href'))
  }
})

// The print view's Print button: shown only where JavaScript can print (the browser's own Print works too).
for (const button of document.querySelectorAll('[data-hub-print]')) {
  button.hidden = false
  button.addEventListener('click', function () { window.print() })
}

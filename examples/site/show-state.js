// Shows what the tracker knows. Deferred scripts run in order, so window.affitor is ready here,
// unless the tracker was blocked: then the page says so instead of breaking.
function showState() {
  var state = document.getElementById('state')
  var affitor = window.affitor
  if (state) state.textContent = affitor && affitor.getData ? JSON.stringify(affitor.getData(), null, 2) : 'The tracker did not load (blocked?).'
  // The same in a sentence, on the pages that have room for one (and load plain-words.js).
  var words = document.getElementById('state-words')
  if (words && window.plainWords) window.plainWords.clickCookie().then(function (cookie) { words.textContent = window.plainWords.click(cookie) })
}
showState()
// The click report finishes after load: show the stored click id once it is there.
if (window.affitor && window.affitor.trackClick) window.affitor.trackClick().then(showState)

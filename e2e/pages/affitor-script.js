// As Affitor's documentation writes it: the lead after signup, with the deprecated trackLead().
if (window.affitor && window.affitor.hasAffiliateAttribution) {
  document.getElementById('referral').hidden = false
}

document.getElementById('signup-form').addEventListener('submit', function (e) {
  e.preventDefault()
  var email = document.getElementById('email').value
  // Your signup logic, which gives the user's id.
  var leadData = {
    email: email,
    user_id: 'user_123', // Your internal user ID - REQUIRED
  }
  if (window.affitor) {
    window.affitor.trackLead(leadData)
  } else {
    window.affitorQueue = window.affitorQueue || []
    window.affitorQueue.push(['trackLead', leadData])
  }
  document.getElementById('done').hidden = false
})

// Post the signed message on arrival; the visible Continue button serves browsers without JS.
document.getElementById("auto-post").submit();

// Apply the remembered colour theme before the page paints (loaded in <head>, no defer).
try {
  var theme = localStorage.getItem("theme");
  if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
} catch (error) { /* storage disabled: follow the system setting */ }

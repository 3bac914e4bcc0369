"""The bundled demo site (a fictional bakery with real SEO problems) and its local server."""

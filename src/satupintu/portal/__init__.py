"""The reference portal ("SPSE-lite"): a small e-procurement portal (LPSE) that uses the hub the way a real
one would, over HTTP only: "Masuk dengan INAPROC" (OpenID Connect), the activation banner, and the hub's
events. It is a separate Django project with its own database; it never imports the hub's apps."""

from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Rp 1.275.500.000: rupiah without decimals, thousands separated by dots as Indonesians write them."""
    try:
        return "Rp " + f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""

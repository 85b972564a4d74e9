"""The pure core: identity numbers, regions and addresses. No Django here."""

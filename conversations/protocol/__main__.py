"""`python -m conversations.protocol` prints the JSON Schema."""

from conversations.protocol.schema import schema_text

print(schema_text(), end="")

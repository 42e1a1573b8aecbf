"""AI task definitions: one module per task (system prompt, prompt builder, pydantic output schema);
``base`` holds what they share (untrusted-data wrapping, structured-output schema, generate + repair)."""

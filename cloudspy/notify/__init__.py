"""Alert channels (Slack, email, webhook) and the secrets they need."""

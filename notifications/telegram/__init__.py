"""The Telegram channel: the bot a technologist connects, employees' linked chats, messages with
buttons and what a pressed button does.

- `client.py`: python-telegram-bot behind a small synchronous client (send, poll, answer).
- `linking.py`: the bot's connection check, one-time link codes, linking and unlinking a chat.
- `buttons.py`: which buttons a message carries and the registry of what pressing one does;
  "take" and "snooze" are built in, other apps register theirs (escalation: "ack").
- `updates.py`: long polling (`manage.py telegram_bot`) and handling of each update.
The channel itself is `notifications/channels/telegram.py`.
"""

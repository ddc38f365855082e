"""Delivery channels: the registry (`kind -> channel`) the fan-out, event actions, escalation
levels and mutes choose from. The contract is in `base.py`; one module per channel."""

from __future__ import annotations

from .base import (
    ChannelError,
    DeliveryChannel,
    DispatchChannel,
    Outgoing,
    Released,
    all_channels,
    choices,
    codes,
    get,
    personal_choices,
    register,
)

__all__ = [
    "ChannelError",
    "DeliveryChannel",
    "DispatchChannel",
    "Outgoing",
    "Released",
    "all_channels",
    "choices",
    "codes",
    "get",
    "personal_choices",
    "register",
]

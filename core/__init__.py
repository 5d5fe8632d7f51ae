"""The Kesos kernel."""
from core.messages import install as _install_messages

_install_messages()

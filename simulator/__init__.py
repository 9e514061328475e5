"""Agent Desktop Simulator: Bright Pattern's agent desktop and its adApi, without a tenant."""

__version__ = "0.1.0"

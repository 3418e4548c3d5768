"""PageGuard: keeps clients' health details off professionals' public Facebook and Instagram pages."""

__version__ = "0.1.0"

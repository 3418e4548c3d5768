"""The one Powertools Logger PageGuard logs through: JSON lines carrying ids, entity types and decisions only."""

from aws_lambda_powertools import Logger

# Child loggers in other modules (Logger(service="pageguard", child=True)) share this one's handler.
logger = Logger(service="pageguard")

"""Mesa agents of a social impact contract.

Each agent decides from its own objective and what it has learned; none is told to "cream",
"park" or "game". Those behaviours emerge from the contract's incentives (see MODEL.md §5).
"""

from agents.beneficiary import Beneficiary
from agents.evaluator import Evaluator
from agents.investor import Investor
from agents.operator import Operator
from agents.state import State

__all__ = ["Beneficiary", "Evaluator", "Investor", "Operator", "State"]

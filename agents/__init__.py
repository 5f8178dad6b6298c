"""Mesa agents of a social impact contract.

Each agent decides from its own objective and what it has learned; none is told to "cream",
"park" or "game". Those behaviours emerge from the contract's incentives (see MODEL.md §5).
"""

from cislab.agents.beneficiary import Beneficiary
from cislab.agents.evaluator import Evaluator
from cislab.agents.investor import Investor
from cislab.agents.operator import Operator
from cislab.agents.state import State

__all__ = ["Beneficiary", "Evaluator", "Investor", "Operator", "State"]

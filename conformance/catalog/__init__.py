"""Loading the suite's data: vector files, the requirement catalogue, interpretations and schemas."""

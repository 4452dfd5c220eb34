-- A triage condition on the customer's history: the rule matches a new
-- inquiry when the same customer (found by their keyed address hash, never
-- the address) opened another one within this many days. NULL: no condition.
ALTER TABLE triage_rules ADD COLUMN repeat_within_days INT NULL;

-- The audit entries about one subject (a proposal's trail on its page), in log order.
CREATE INDEX audit_log_subject ON audit_log (subject, idx);

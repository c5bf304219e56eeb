-- how many times a server stopped while the job ran: a restarted server resumes the job until this reaches its limit
ALTER TABLE jobs ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;

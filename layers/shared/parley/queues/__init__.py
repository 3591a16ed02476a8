"""Work handed from one function to another: the queue messages (ids, never contents) and SQS."""

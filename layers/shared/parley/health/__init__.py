"""Service health: does every table answer?"""
